-- Today's most credible open rumours: the board, best first, with the reason for each.
SELECT rumour_id, player, from_club, to_club, "window", round(probability * 100) AS pct,
       stage, n_independent, reason
FROM rumour_board
WHERE status = 'open'
ORDER BY probability DESC, rumour_id
LIMIT 20;
