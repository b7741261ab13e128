// Route documentation keys (OpenAPI-style) that fastify itself ignores; declared here so route
// schemas can carry their summary now and an OpenAPI generator can read them later.

declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    /** Leave the route out of API documentation. */
    hide?: boolean;
  }
}

export {};
