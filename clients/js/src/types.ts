/** How the refresh token travels: in Baton's HttpOnly cookie (browsers), or in the JSON body (servers, native apps). */
export type Transport = 'cookie' | 'token';

/** Why Baton ended a session (the `reason` of a `session_ended` problem). */
export type EndReason =
  | 'logout'
  | 'replaced'
  | 'kicked'
  | 'revoked'
  | 'reuse_detected'
  | 'password_changed'
  | 'expired'
  | 'account_locked'
  | 'account_deleted';

/** An RFC 9457 problem as Baton writes it: always a stable `code`, a `reason` when a session ended. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  reason?: EndReason | string;
  errors?: Record<string, string[]>;
}

/** The answer of login and refresh; `refresh_token` is absent in cookie mode. */
export interface TokenPair {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string | null;
  refresh_expires_in: number;
  session_id: string;
}

export interface Device {
  id?: string;
  type?: string;
  name?: string;
}

export interface Me {
  id: string;
  username: string | null;
  roles: string[];
  session_id: string;
}

export interface SessionView {
  session_id: string;
  device: { id: string; type: string; name: string | null };
  ip_address: string | null;
  user_agent: string | null;
  created_at: string;
  last_refreshed_at: string;
  expires_at: string;
  current: boolean;
  state: 'active' | 'ended';
  ended_at: string | null;
  end_reason: EndReason | null;
}

export interface UserView {
  user_id: string;
  username: string | null;
  roles: string[];
  status: 'active' | 'locked' | 'deleted';
  locked_out_until: string | null;
  failed_logins: number;
  active_sessions: number;
}

export interface KeyView {
  kid: string;
  algorithm: string;
  purpose: 'access' | 'refresh';
  created_at: string;
  activates_at: string;
  retires_at: string | null;
  state: 'signing' | 'pending' | 'verifying' | 'expired';
}

/** A provider Baton signs in through (`GET /v1/auth/external`): its name (in the URLs) and the name to show. */
export interface ExternalProvider {
  name: string;
  display_name: string;
}

/** The signed-in user's ways to sign in (`GET /v1/me/identities`). */
export interface IdentitiesView {
  has_password: boolean;
  identities: IdentityView[];
}

/** One linked external identity. */
export interface IdentityView {
  provider: string;
  subject: string;
  username: string | null;
  email: string | null;
  linked_at: string;
}

export interface KickResult {
  ended: number;
}

/** What `session-ended` events carry: the code and reason Baton gave, and its human-readable detail. */
export interface SessionEnd {
  code: string;
  reason: string | null;
  detail: string | null;
}
