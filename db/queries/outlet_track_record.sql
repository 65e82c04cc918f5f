-- An outlet's track record: of the resolved rumours it reported first-hand (its report
-- was the independent one), how many came true.
SELECT e.outlet_id,
       count(*) AS resolved_rumours,
       sum(CASE WHEN b.status = 'confirmed' THEN 1 ELSE 0 END) AS came_true,
       round(avg(CASE WHEN b.status = 'confirmed' THEN 1.0 ELSE 0.0 END), 2) AS share_true
FROM rumour_evidence e
JOIN rumour_board b ON b.rumour_id = e.rumour_id
WHERE e.independent AND e.weight > 0 AND b.status <> 'open'
GROUP BY e.outlet_id
ORDER BY share_true DESC, resolved_rumours DESC, e.outlet_id;
