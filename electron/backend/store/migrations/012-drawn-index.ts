/**
 * 012: the dashboard's lottery draws by day (issue 15, years of use). Its
 * day-by-day figures move an entry's owed amount to the day of its draw; the
 * statement asking for entries drawn in the window (drawn_at >= start) had no
 * index and walked every entry of the line — the one read of the 7/30/90-day
 * dashboard that grew with history. Partial: only drawn entries are indexed.
 */
export const drawnIndexSchema = /* sql */ `
CREATE INDEX entries_by_drawn_at ON entries (queue_id, drawn_at) WHERE drawn_at IS NOT NULL;
`;
