/**
 * 011: the line filtered by one member (issue 15, years of use). The line
 * pages by seq (keyset: seq > afterSeq ORDER BY seq LIMIT n); with a member
 * filter the old plan walked the whole line by seq testing member_id (1.4 s
 * at three years), because entries_by_member is partial (it leaves out
 * cancelled entries, which the line still shows) and ordered by joined_at.
 * This index serves the exact query: equality on (queue_id, member_id), then
 * a range and the order on seq, so a page reads only that member's rows.
 */
export const lineMemberIndexSchema = /* sql */ `
CREATE INDEX entries_by_member_seq ON entries (queue_id, member_id, seq) WHERE member_id IS NOT NULL;
`;
