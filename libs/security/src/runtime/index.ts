export * from './runtime.config';
export * from './code-root';
export * from './file-access.monitor';
export * from './file-access.filter';
export * from './code-integrity.service';
export * from './read-only-runtime.service';
export * from './runtime.module';
