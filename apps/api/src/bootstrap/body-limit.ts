/** 1 MiB of analysis content plus a small JSON envelope (API.md: content ≤ 1 MiB). */
export const MAX_CONTENT_BYTES = 1024 * 1024;
export const BODY_LIMIT_BYTES = MAX_CONTENT_BYTES + 64 * 1024;
