export * from './attempt-reporter';
export * from './detection.module';
export * from './violation-type';
