/**
 * An enrolment code between the POST that makes it and the one GET that
 * shows it (Post/Redirect/Get). The page showing a code used to be the
 * answer to the form's POST: reloading it re-posted the form (after the
 * browser's own "resend?" prompt, in English) and made another code. Now the
 * POST makes the code, keeps it here — in the console session's memory,
 * never in the database (which holds only its hash) — and redirects to
 * `/console/registers/code?id=<ticket>`; that GET shows it once and forgets
 * it. A reload or the back button finds the ticket without its code and
 * says so; it never shows the code again nor makes a new one.
 */
import { randomBytes } from 'node:crypto';

/** A code not opened within this long is dropped unseen (the redirect is followed at once; this only bounds what memory holds). */
export const CODE_UNSEEN_MS = 10 * 60 * 1000;
/** Tickets remembered per session (their register, never their code), so a reload can still name the register. */
const TICKETS_KEPT = 20;

export interface MadeCode {
  storeId: string;
  storeName: string;
  registerId: string;
  code: string;
  expiresAt: number;
  /** The register already had a live token: using the code replaces it. */
  replacing: boolean;
}

export type CodeTicket = { kind: 'code'; made: MadeCode } | { kind: 'shown' | 'unseen'; made: Omit<MadeCode, 'code'> };

interface Kept {
  made: Omit<MadeCode, 'code'>;
  /** The code until it is shown, then why it is gone: shown once, or not opened in time. */
  state: { code: string } | { gone: 'shown' | 'unseen' };
  until: number;
}

export class CodesShownOnce {
  private readonly tickets = new Map<string, Kept>();

  /** Keeps a code made just now; the ticket for the address that shows it. */
  keep(made: MadeCode, now: number): string {
    const ticket = randomBytes(16).toString('hex');
    const { code, ...rest } = made;
    this.tickets.set(ticket, { made: rest, state: { code }, until: now + CODE_UNSEEN_MS });
    // Oldest first (a Map keeps insertion order).
    while (this.tickets.size > TICKETS_KEPT) this.tickets.delete(this.tickets.keys().next().value!);
    return ticket;
  }

  /** The code the first time a ticket is opened (then it is forgotten); afterwards only which register it was for; null for a ticket not of this session. */
  take(ticket: string, now: number): CodeTicket | null {
    const kept = this.tickets.get(ticket);
    if (!kept) return null;
    if ('code' in kept.state && now > kept.until) kept.state = { gone: 'unseen' };
    if ('gone' in kept.state) return { kind: kept.state.gone, made: kept.made };
    const made = { ...kept.made, code: kept.state.code };
    kept.state = { gone: 'shown' };
    return { kind: 'code', made };
  }
}
