export enum Action {
  Manage = 'manage',
  Create = 'create',
  Read = 'read',
  Update = 'update',
  Delete = 'delete',
  Call = 'call',
  Approve = 'approve',
}

export const SUBJECTS = [
  'Analysis',
  'User',
  'ApiKey',
  'Session',
  'Block',
  'AuditEntry',
  'McpServer',
  'McpTool',
  'PermissionReview',
  'Budget',
  'Usage',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];
