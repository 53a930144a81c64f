from oricol.service import Platform, Service, not_built_yet


def create(platform: Platform) -> Service:
    return not_built_yet("meta", lambda status, msg: ({"error": msg}, status))
