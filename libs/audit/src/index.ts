export * from './security-events/security-event';
export * from './security-events/security-event.service';
export * from './security-events/security-events.module';
