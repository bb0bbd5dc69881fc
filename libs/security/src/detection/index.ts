export * from './detection.module';
export * from './violation-type';
