declare module '@techsapo/core' {
  interface RequestDetails {
    /** The analysis a request created, read or erased (also through the OpenAI routes). */
    analysisId?: string;
    /** The analysis was answered from the owner's cache. */
    cached?: true;
  }
}

export {};
