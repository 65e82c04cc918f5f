-- Rumours that rose fastest this week: latest probability minus the first score given on
-- or after the parameter week_start (e.g. '2026-11-18 00:00:00', UTC). score_history holds every
-- score voci gave; `voci score --since` fills it in for past days.
SELECT b.player, b.from_club, b.to_club, b.probability,
       b.probability - (SELECT h.probability FROM score_history h
                        WHERE h.rumour_id = b.rumour_id AND h.as_of >= :week_start
                        ORDER BY h.as_of LIMIT 1) AS rise
FROM rumour_board b
WHERE EXISTS (SELECT 1 FROM score_history h
              WHERE h.rumour_id = b.rumour_id AND h.as_of >= :week_start)
ORDER BY rise DESC, b.probability DESC, b.rumour_id
LIMIT 10;
