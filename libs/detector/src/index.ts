export * from './detection.types';
export * from './policy/detection-policy';
export * from './content-detector';
