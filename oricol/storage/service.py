from oricol.service import Platform, Service, not_built_yet


def create(platform: Platform) -> Service:
    return not_built_yet("storage", lambda status, msg: ({"statusCode": str(status), "error": "not_found", "message": msg}, status))
