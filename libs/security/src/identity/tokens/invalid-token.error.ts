import { UnauthenticatedError } from '@techsapo/core';

export type InvalidTokenReason = 'expired' | 'not-yet-valid' | 'invalid' | 'session-ended';

const DETAILS: Record<InvalidTokenReason, string> = {
  expired: 'The access token has expired.',
  'not-yet-valid': 'The access token is not valid yet.',
  invalid: 'The access token is invalid.',
  'session-ended': 'The session of this token has ended.',
};

/** RFC 6750 §3: a bearer challenge that names the error. */
export class InvalidTokenError extends UnauthenticatedError {
  constructor(readonly reason: InvalidTokenReason) {
    super(
      DETAILS[reason],
      `Bearer realm="techsapo", error="invalid_token", error_description="${DETAILS[reason]}"`,
    );
  }
}
