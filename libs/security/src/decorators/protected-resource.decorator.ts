import { SetMetadata } from '@nestjs/common';

export const PROTECTED_RESOURCE = 'techsapo:protected-resource';

/**
 * Declares a route an OAuth protected resource (RFC 9728) whose metadata is served at `path`
 * (e.g. `/.well-known/oauth-protected-resource/mcp`): its 401 answers then carry
 * `WWW-Authenticate: Bearer …, resource_metadata="<public URL><path>"`, from which an MCP
 * client finds the authorization server.
 */
export const ProtectedResource = (path: string): MethodDecorator & ClassDecorator =>
  SetMetadata(PROTECTED_RESOURCE, path);
