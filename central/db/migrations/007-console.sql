-- The alliance console's audit trail (issue 14 §3): who did what from the
-- console and when. `detail` holds the values the page renders in Chinese
-- (old → new settings, the register revoked); never a credential, a token, an
-- enrolment code or a phone number.
CREATE TABLE console_audit (
  id          bigserial PRIMARY KEY,
  at          bigint NOT NULL,
  admin       text NOT NULL,
  action      text NOT NULL,
  store_id    text,
  register_id text,
  push_id     bigint,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX console_audit_push ON console_audit (push_id) WHERE push_id IS NOT NULL;
