import type { PublicUser } from '../auth/user.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** Synchronizer token: state-changing requests of a signed-in browser must echo it. */
    csrfToken?: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user or the owner of the API token; set by `authenticate`. */
    user?: PublicUser;
    /** How the request proved who it is. */
    authMethod?: 'session' | 'token';
  }
}

export {};
