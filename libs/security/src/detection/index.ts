export * from './detection.types';
export * from './detection-policy';
export * from './content-detector';
export * from './detection.module';
export * from './read-only-operation';
export * from './violation-type';
