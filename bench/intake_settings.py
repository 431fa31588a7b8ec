"""bench.api_intake's settings: the site's own with bench/intake_urls.py as the URLs (one bare view
added), so the ceiling it measures runs through exactly the middleware a create does."""
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
