import type { Request } from 'express';
import type { Socket } from 'socket.io';
import { looksLikeApiToken } from '../auth/api-token.js';
import { publicUser } from '../auth/user.js';
import type { UserStore } from '../auth/user-store.js';
import '../http/session-types.js';

/**
 * Socket.IO middleware: a connection needs the signed-in session (the handshake carries the
 * cookie; the session middleware runs on the engine) or an API token in `auth.token`.
 */
export function socketAuth(users: UserStore): (socket: Socket, next: (error?: Error) => void) => void {
  return (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const userId = (socket.request as Request).session.userId;
    const lookup =
      token !== undefined
        ? looksLikeApiToken(token)
          ? users.findByToken(token)
          : Promise.resolve(undefined)
        : userId !== undefined
          ? users.findById(userId)
          : Promise.resolve(undefined);
    lookup.then(
      (user) => {
        if (!user || user.disabled) {
          next(new Error('unauthenticated'));
          return;
        }
        (socket.data as { user?: unknown }).user = publicUser(user);
        next();
      },
      () => {
        next(new Error('unavailable'));
      },
    );
  };
}
