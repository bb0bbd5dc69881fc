import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '@techsapo/audit';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { CodeIntegrityService, INTEGRITY_VIOLATIONS } from './code-integrity.service';
import { FileAccessMonitor, UNAUTHORIZED_FILE_ACCESS } from './file-access.monitor';
import { ReadOnlyRuntimeService } from './read-only-runtime.service';

/**
 * The read-only runtime: code-folder probe, integrity verification, denied-access counter.
 * Imported by the request pipeline (SecurityPipelineModule), whose error filter counts denials.
 */
@Module({
  imports: [SecurityEventsModule],
  providers: [
    makeCounterProvider({
      name: INTEGRITY_VIOLATIONS,
      help: 'Built files found different from the integrity manifest',
      labelNames: [],
    }),
    makeCounterProvider({
      name: UNAUTHORIZED_FILE_ACCESS,
      help: 'File and process accesses refused by the permission model, as observed by the app',
      labelNames: ['path', 'operation', 'user'],
    }),
    FileAccessMonitor,
    ReadOnlyRuntimeService,
    CodeIntegrityService,
  ],
  exports: [FileAccessMonitor, CodeIntegrityService, ReadOnlyRuntimeService],
})
export class ReadOnlyRuntimeModule {}
