export * from './config/audit.config';
export * from './encryption/decryption-failed.error';
export * from './encryption/encryption.service';
export * from './encryption/key-ring';
export * from './security-events/security-event';
export * from './security-events/security-event.service';
export * from './security-events/security-events.module';
export * from './audit.module';
