-- A club's incoming rumours (replace 'juventus' with any club id), with the articles
-- behind each and whether each article was independent evidence or a relay/copy.
SELECT b.rumour_id, b.player, b.from_club, round(b.probability * 100) AS pct, b.status,
       e.outlet_id, e.published_at, e.stage, e.cites, e.independent, e.article_url
FROM rumour_board b
JOIN rumour_evidence e ON e.rumour_id = b.rumour_id
WHERE b.to_club = 'juventus'
ORDER BY b.probability DESC, b.rumour_id, e.published_at, e.article_url;
