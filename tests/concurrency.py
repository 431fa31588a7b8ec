"""Run calls at the same moment in threads, each on its own database connection (PostgreSQL tests)."""
import threading

from django.db import connection


def run_together(*calls):
    """Start every call at once behind a barrier; return what each returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the losers' exceptions are what the tests check
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
