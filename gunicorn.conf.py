"""gunicorn settings for the archive: `gunicorn -c gunicorn.conf.py archive.wsgi`.

The application is loaded once in the master before the workers are forked (preload_app),
and the master warms the text tools up first: jieba's dictionary (some 60 MB in memory)
and the gazetteer are then built once and shared by every worker page for page, instead of
being loaded again by each worker on its first import or search.

Environment: GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers, default
2 per core + 1), GUNICORN_THREADS (per worker, default 1), GUNICORN_TIMEOUT (seconds, default
120: a large import in the admin runs inside one request), FORWARDED_ALLOW_IPS (the proxy's
address, default 127.0.0.1).
"""

import logging
import multiprocessing
import os
import time

wsgi_app = "archive.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's runtime control socket lives at one path per user; the service manager's signals suffice.
control_socket_disable = True

# Bounded request lines and headers; bodies are bounded by Django's upload settings.
limit_request_line = 8190
limit_request_fields = 100

# Both logs on stdout/stderr for the service manager; each access line ends with the
# request id the application gave the response, as in the application's own log lines.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" [%({x-request-id}o)s]'

# A short text in the archive's shape: parsing it builds every dictionary and automaton once.
WARM_UP_TEXT = "关于加快发展的讲话\n\n一、总体要求\n力争完成固定资产投资700亿元以上，2月底前完成。\n"


def warm_up() -> float:
    """Load jieba and the parsers' tables in this process; the seconds it took."""
    started = time.perf_counter()
    import jieba

    from speeches.parsing import parse_document
    from speeches.parsing.extraction import extract

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for speech in parse_document(WARM_UP_TEXT.encode("utf-8"), "warm-up.txt"):
        extract(speech)
    return time.perf_counter() - started


def on_starting(server):
    # Runs in the master after the preloaded application was imported and before any worker
    # is forked, so what it loads is inherited by all of them.
    if server.cfg.preload_app:
        server.log.info("text tools loaded in %.1f s, shared by the workers", warm_up())
