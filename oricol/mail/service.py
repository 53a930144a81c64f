from oricol.service import Platform, Service, not_built_yet


def create(platform: Platform) -> Service:
    return not_built_yet("mail", lambda status, msg: ({"message": msg}, status))
