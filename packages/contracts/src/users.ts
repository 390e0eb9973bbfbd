import { z } from 'zod';
import { multiLineText, opaqueId, singleLineText } from './text.ts';

export const Email = z
  .email('must be an e-mail address')
  .max(254)
  // RFC 5321: the part before the @ is at most 64 octets.
  .regex(/^[^@]{1,64}@/, 'the part before @ must be at most 64 characters')
  .transform((value) => value.trim().toLowerCase());

/** NIST 800-63B: length over composition rules, and a ceiling that bounds hashing work. */
export const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters')
  .refine((value) => value.trim().length >= 10, 'must not be mostly spaces');

export const DisplayName = singleLineText(80);

export const SignupBody = z.object({ email: Email, password: Password, name: DisplayName });
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBody>;

export const EmailBody = z.object({ email: Email });
export type EmailBody = z.infer<typeof EmailBody>;

export const OneTimeToken = opaqueId(128).min(20);

export const ActivateBody = z.object({ token: OneTimeToken });
export type ActivateBody = z.infer<typeof ActivateBody>;

export const ResetPasswordBody = z.object({ token: OneTimeToken, password: Password });
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;

export const AccessTokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
});
export type AccessTokenResponse = z.infer<typeof AccessTokenResponse>;

export const AcceptedResponse = z.object({ status: z.literal('accepted'), message: z.string() });
export type AcceptedResponse = z.infer<typeof AcceptedResponse>;

export const PhotoUrls = z.object({
  small: z.url(),
  medium: z.url(),
  large: z.url(),
  /** When the presigned URLs stop working. */
  expiresAt: z.iso.datetime(),
});
export type PhotoUrls = z.infer<typeof PhotoUrls>;

export const UserProfile = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  bio: z.string(),
  photo: PhotoUrls.nullable(),
  createdAt: z.iso.datetime(),
});
export type UserProfile = z.infer<typeof UserProfile>;

export const UpdateProfileBody = z
  .object({ name: DisplayName.optional(), bio: multiLineText(500).optional() })
  .strict()
  .refine((body) => body.name !== undefined || body.bio !== undefined, 'give name or bio')
  // The refinement as OpenAPI can say it, so clients see it too.
  .meta({ minProperties: 1 });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;
