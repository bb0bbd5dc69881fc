import { AnalysisJob, InvalidJobError } from './analysis-job';

describe('AnalysisJob', () => {
  const id = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

  it('carries the id and the restricted operations, nothing else', async () => {
    const job = AnalysisJob.for(id);
    expect(job.toData()).toEqual({
      analysisId: id,
      security_level: 'restricted',
      allowed_operations: ['read', 'analyze'],
    });
    await expect(AnalysisJob.parse(job.toData())).resolves.toMatchObject({ analysisId: id });
  });

  it.each([
    ['content', { ...AnalysisJob.for(id).toData(), content: 'plaintext' }],
    ['another level', { ...AnalysisJob.for(id).toData(), security_level: 'open' }],
    ['more operations', { ...AnalysisJob.for(id).toData(), allowed_operations: ['read', 'write'] }],
    [
      'a repeated operation',
      { ...AnalysisJob.for(id).toData(), allowed_operations: ['read', 'read'] },
    ],
    ['no id', { security_level: 'restricted', allowed_operations: ['read', 'analyze'] }],
    ['not an object', 'job'],
  ])('refuses job data with %s', async (_what, data) => {
    await expect(AnalysisJob.parse(data)).rejects.toBeInstanceOf(InvalidJobError);
  });
});
