import { z } from 'zod';

/** A click redirect: GET /r/<code> answers 302 to `target` and records a click event. */
export const linkInputSchema = z.strictObject({
  target: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).max(2048),
  /** The project the click events belong to. */
  project: z.string().min(1).max(64),
  /** utm-style fields copied into every click event's context.campaign. */
  campaign: z.record(z.string().max(64), z.string().max(1024)).default({}),
});

export const linkCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, _ or -' });

export type LinkInput = z.output<typeof linkInputSchema>;

export interface Link extends LinkInput {
  code: string;
  createdAt: string;
  updatedAt: string;
}
