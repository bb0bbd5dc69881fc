// Reading the HTTP headers of MCP's Streamable HTTP transport, on both sides of the proxy.

/** A header's (first) value, from Node's or undici's headers. */
export function headerOf(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type, parameters aside: `application/json; charset=utf-8` is `application/json`. */
export function mediaType(header: string | undefined): string | undefined {
  return header?.split(';', 1)[0].trim().toLowerCase();
}
