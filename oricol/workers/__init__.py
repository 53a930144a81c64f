"""Several worker processes behind one `oricol start` (ORICOL_WORKERS / `oricol start --workers N`).

One Python process runs one event loop on one core. With workers, the parent process (the supervisor)
keeps what only one process of a node may do — the embedded PostgreSQL, migrations, the mail catcher's
ports, the metrics port — and starts N workers that each build the whole stack with their own pools and
serve the gateway from one listening socket the parent opened. See docs/scaling.md ("Workers").

    supervisor.py  the parent: opens the socket, starts, watches, restarts and stops the workers
    worker.py      a worker process: builds the stack and serves the shared socket
    listener.py    the shared listening socket
    channel.py     a tiny request/answer protocol over Unix sockets between the processes of a node
    metrics.py     one Prometheus view over every process of the node
    budget.py      how many database connections the node may open, checked before the workers start
"""
