"""gunicorn settings for the portal (``gunicorn -c gunicorn.conf.py wsgi:app``); each can be
changed through the environment without editing this file.

Pages are short database reads; PDFs are CPU-bound rendering. A few processes with a few
threads each keep both moving on a small machine: a thread waiting on the database frees the
GIL, and a second process keeps pages answering while another renders a PDF.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Longer than the proxy's idle time, so the proxy closes idle connections first and never
# sends a request on one gunicorn has just closed (connections dropped under load otherwise).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # a 附件4 PDF of a large branch
graceful_timeout = 30  # a deploy's SIGTERM lets running requests finish
max_requests = 2000  # renew workers now and then: WeasyPrint's caches grow with use
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The request id the portal gives each request (X-Request-ID) joins the access log to the
# application log and the audit trail.
access_log_format = '%(h)s %({x-request-id}o)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
