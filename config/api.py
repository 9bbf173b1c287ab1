from ninja import NinjaAPI
from ninja.security import django_auth

from directory.api import router as directory_router

api = NinjaAPI(
    title="DiemCau API",
    version="1",
    description="Programmes, sessions, bridge points and check-in. Every call sees only "
    "what the signed-in user's scope reaches.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/directory/", directory_router)
