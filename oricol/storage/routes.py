"""The route table of the storage service, in one place (paths relative to /storage/v1).

Order matters where Storage's own paths overlap: the fixed words (`list`, `sign`, `public`, `info`,
`authenticated`, `move`, `copy`) are tried before `/object/{bucket}/{name}`.
"""
from __future__ import annotations

from starlette.routing import Route

from . import buckets, listing, objects, render, signing, status, tus

OBJECT = "{bucket}/{name:path}"


ROUTES = [
    Route("/status", status.status, methods=["GET"]),
    Route("/health", status.status, methods=["GET"]),
    Route("/bucket", buckets.list_buckets, methods=["GET"]),
    Route("/bucket", buckets.create_bucket, methods=["POST"]),
    Route("/bucket/{bucket}/empty", buckets.empty_bucket, methods=["POST"]),
    Route("/bucket/{bucket}", buckets.get_bucket, methods=["GET"]),
    Route("/bucket/{bucket}", buckets.update_bucket, methods=["PUT"]),
    Route("/bucket/{bucket}", buckets.delete_bucket, methods=["DELETE"]),
    Route("/object/list/{bucket}", listing.list_v1, methods=["POST"]),
    Route("/object/list-v2/{bucket}", listing.list_v2, methods=["POST"]),
    Route("/object/move", objects.move, methods=["POST"]),
    Route("/object/copy", objects.copy, methods=["POST"]),
    Route("/object/sign/{bucket}", signing.sign_many, methods=["POST"]),
    Route(f"/object/sign/{OBJECT}", signing.sign_one, methods=["POST"]),
    Route(f"/object/sign/{OBJECT}", signing.download_signed, methods=["GET"]),
    Route(f"/object/upload/sign/{OBJECT}", signing.sign_upload, methods=["POST"]),
    Route(f"/object/upload/sign/{OBJECT}", signing.upload_signed, methods=["PUT"]),
    Route(f"/object/public/{OBJECT}", objects.download_public, methods=["GET"]),
    Route(f"/object/info/public/{OBJECT}", objects.info_public, methods=["GET"]),
    Route(f"/object/info/authenticated/{OBJECT}", objects.info, methods=["GET"]),
    Route(f"/object/info/{OBJECT}", objects.info, methods=["GET"]),
    Route(f"/object/authenticated/{OBJECT}", objects.download, methods=["GET"]),
    Route(f"/object/{OBJECT}", objects.download, methods=["GET"]),
    Route(f"/object/{OBJECT}", objects.upload, methods=["POST"]),
    Route(f"/object/{OBJECT}", objects.replace, methods=["PUT"]),
    Route(f"/object/{OBJECT}", objects.delete_one, methods=["DELETE"]),
    Route("/object/{bucket}", objects.delete_many, methods=["DELETE"]),
    Route(f"/render/image/authenticated/{OBJECT}", render.render_authenticated, methods=["GET"]),
    Route(f"/render/image/public/{OBJECT}", render.render_public, methods=["GET"]),
    Route(f"/render/image/sign/{OBJECT}", render.render_signed, methods=["GET"]),
    Route("/upload/resumable", tus.create, methods=["POST"]),
    Route("/upload/resumable", tus.options, methods=["OPTIONS"]),
    Route("/upload/resumable/{upload_id}", tus.head, methods=["HEAD"]),
    Route("/upload/resumable/{upload_id}", tus.patch, methods=["PATCH"]),
    Route("/upload/resumable/{upload_id}", tus.terminate, methods=["DELETE"]),
    Route("/upload/resumable/{upload_id}", tus.options, methods=["OPTIONS"]),
]
