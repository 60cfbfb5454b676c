"""The opinion engine: pure Python, never imports Django; the app meets it through its API.

    from laborwatch.opinion.engine.read import read_posts, parse_records   # vendor exports
    from laborwatch.opinion.engine.analyse import analyse_posts, Places     # triage in bulk
    from laborwatch.opinion.engine.cluster import EventIndex, ClusterPost   # posts → events
    from laborwatch.opinion.engine.heat import heat, grade, Thresholds      # 热度 and 等级
    from laborwatch.opinion.engine.evaluate import bcubed, incident_recall  # quality figures

records.py holds PostIn, RowError and the cell rules; minhash.py the signatures and bands;
nodes.py a batch as nodes and edges; data/ the aliases, places, cues and heat constants.
"""
