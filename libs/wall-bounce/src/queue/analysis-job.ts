import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsIn, IsUUID, validate } from 'class-validator';

export const ANALYSIS_QUEUE = 'wall-bounce-analysis';
export const JOB_ALLOWED_OPERATIONS = ['read', 'analyze'] as const;

/**
 * A job carries the analysis id and what the worker may do with it, never content: the
 * worker reads the encrypted request from the store. Validated when enqueued and when run.
 */
export class AnalysisJob {
  @IsUUID(4) analysisId!: string;
  @Equals('restricted') security_level!: 'restricted';
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @IsIn(JOB_ALLOWED_OPERATIONS, { each: true })
  allowed_operations!: ['read', 'analyze'];

  static for(analysisId: string): AnalysisJob {
    return Object.assign(new AnalysisJob(), {
      analysisId,
      security_level: 'restricted' as const,
      allowed_operations: [...JOB_ALLOWED_OPERATIONS] as ['read', 'analyze'],
    });
  }

  /** Checks a job's data (from our producer or from Redis); throws InvalidJobError. */
  static async parse(data: unknown): Promise<AnalysisJob> {
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new InvalidJobError(['job data is not an object']);
    const extra = Object.keys(data).filter(
      (k) => !['analysisId', 'security_level', 'allowed_operations'].includes(k),
    );
    const job = plainToInstance(AnalysisJob, data);
    const errors = await validate(job);
    const problems = [
      ...extra.map((k) => `unexpected property ${k}`),
      ...errors.flatMap((e) => Object.values(e.constraints ?? {})),
    ];
    if (new Set(job.allowed_operations ?? []).size !== JOB_ALLOWED_OPERATIONS.length)
      problems.push('allowed_operations must be read and analyze');
    if (problems.length > 0) throw new InvalidJobError(problems);
    return job;
  }

  toData(): Record<string, unknown> {
    return {
      analysisId: this.analysisId,
      security_level: this.security_level,
      allowed_operations: [...this.allowed_operations],
    };
  }
}

export class InvalidJobError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid analysis job: ${problems.join('; ')}`);
    this.name = 'InvalidJobError';
  }
}
