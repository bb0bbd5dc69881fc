export * from './detection.types';
export * from './self-targets';
export * from './policy/detection-policy';
export * from './content-detector';
