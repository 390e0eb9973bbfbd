import { UpdateProfileBody, UserProfile } from '@relay/contracts';
import {
  type Authenticate,
  CommonErrorCode,
  type HttpApp,
  multipartBody,
  problemResponses,
} from '@relay/platform';
import { z } from 'zod';
import { AuthErrorCode as Code } from './auth.errors.ts';
import { readUploadedFile } from './photo-upload.ts';
import type { ProfileService } from './profile.service.ts';

export interface ProfileRouteDeps {
  authenticate: Authenticate;
  profiles: ProfileService;
  /** The photo upload's own size limit; larger ones answer 413. */
  photoMaxBytes: number;
}

const tags = ['users'];
const security = [{ bearerAuth: [] }];
const profileProblems = problemResponses({ 401: [Code.TokenRevoked], 404: [CommonErrorCode.NotFound] });
const photoProblems = problemResponses({
  400: [Code.PhotoMissing, Code.MultipartMalformed],
  401: [Code.TokenRevoked],
  404: [CommonErrorCode.NotFound],
  415: [Code.PhotoInvalid],
  422: [Code.PhotoTooLarge],
  429: [CommonErrorCode.RateLimited],
});

export function registerProfileRoutes(
  app: HttpApp,
  { authenticate, profiles, photoMaxBytes }: ProfileRouteDeps,
): void {
  app.get(
    '/api/users/me',
    { schema: { tags, security, response: { 200: UserProfile, ...profileProblems } } },
    async (request) => {
      const user = await authenticate(request);
      return profiles.get(user.sub);
    },
  );

  app.patch(
    '/api/users/me',
    {
      schema: { tags, security, body: UpdateProfileBody, response: { 200: UserProfile, ...profileProblems } },
    },
    async (request) => {
      const user = await authenticate(request);
      return profiles.update(user.sub, request.body);
    },
  );

  app.put(
    '/api/users/me/photo',
    {
      schema: {
        tags,
        security,
        description:
          'multipart/form-data with one file field "photo": PNG, JPEG or WebP of at most 25 megapixels; uploads per user are rate-limited (PHOTO_UPLOADS_PER_HOUR).',
        consumes: ['multipart/form-data'],
        body: multipartBody(z.object({ photo: z.file() })),
        response: { 200: UserProfile, ...photoProblems },
      },
    },
    async (request) => {
      const user = await authenticate(request);
      return profiles.setPhoto(user.sub, () => readUploadedFile(request, 'photo', photoMaxBytes));
    },
  );

  app.delete(
    '/api/users/me/photo',
    { schema: { tags, security, response: { 200: UserProfile, ...profileProblems } } },
    async (request) => {
      const user = await authenticate(request);
      return profiles.removePhoto(user.sub);
    },
  );
}
