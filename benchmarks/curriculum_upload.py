"""Material uploads and downloads: the cost of checking, storing and streaming a large file.

    .venv/bin/python benchmarks/curriculum_upload.py [--mb 50] [--repeat 3]

Self-contained: a throwaway SQLite database and media folder in a temporary directory. For an
MP4 and a PPTX of `--mb` megabytes (the PPTX holds 400 parts, like a real deck with media), it
times, best of `--repeat`:

- baseline: `default_storage.save` of the same file (a plain copy into storage),
- `inspect_upload` alone (magic bytes, ZIP directory and zip-bomb checks, SHA-256 of the file),
- `material_upload` (inspection + copy + rows),
- `material_replace` (a new version),
- streaming the file back through the authorizing view (`/modules/materials/<id>/open/`),

and prints each as MB/s and as a ratio to the baseline.
"""

import argparse
import os
import tempfile
import time
import zipfile
from pathlib import Path

from _setup import setup_django


def make_mp4(path: Path, size: int) -> None:
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    with path.open("wb") as out:
        out.write(header)
        chunk = os.urandom(1024 * 1024)
        written = len(header)
        while written < size:
            part = chunk[: size - written]
            out.write(part)
            written += len(part)


def make_pptx(path: Path, size: int) -> None:
    parts = 400
    ct = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    media = max(size // parts, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/ppt/presentation.xml" ContentType="{ct}"/></Types>',
        )
        archive.writestr("ppt/presentation.xml", "<p/>")
        for n in range(parts):
            archive.writestr(f"ppt/media/image{n}.png", os.urandom(media))


def best(fn, repeat: int, prepare=None) -> float:
    """Best wall time of `fn(prepared)`; `prepare()` runs before each, untimed."""
    times = []
    for _ in range(repeat):
        prepared = prepare() if prepare else None
        start = time.perf_counter()
        fn(prepared)
        times.append(time.perf_counter() - start)
        if hasattr(prepared, "close"):
            prepared.close()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-curriculum-") as tmp:
        folder = Path(tmp)
        setup_django(
            folder,
            reference_data=False,
            MATERIAL_MAX_UPLOAD_BYTES=str(1024 * 1024 * 1024),
        )
        from django.core.files.storage import default_storage
        from django.core.files.uploadedfile import TemporaryUploadedFile
        from django.test import Client

        from tests.factories import PersonnelFactory
        from training.models import MaterialVersion, Role
        from training.services.curriculum import material_replace, material_upload, module_create
        from training.uploads import inspect_upload

        trainer = PersonnelFactory(unit=None, roles=[Role.PELATIH])
        module = module_create(user=trainer, code="bench", title="Benchmark")
        client = Client()
        client.force_login(trainer)
        size = args.mb * 1024 * 1024

        state: dict = {}
        written: list[str] = []
        print(f"{args.mb} MB files, best of {args.repeat}")
        print(f"{'operation':<34}{'seconds':>9}{'MB/s':>9}{'× baseline':>12}")
        for kind, maker in (("mp4", make_mp4), ("pptx", make_pptx)):
            source = folder / f"source.{kind}"
            maker(source, size)
            actual = source.stat().st_size
            mb = actual / (1024 * 1024)

            def prepare(source=source, kind=kind, actual=actual):
                # What Django hands a view for a large upload: a temporary file on disk.
                upload = TemporaryUploadedFile(
                    f"materi.{kind}", "application/octet-stream", actual, None
                )
                with source.open("rb") as src:
                    while chunk := src.read(1024 * 1024):
                        upload.write(chunk)
                upload.seek(0)
                return upload

            def clean():
                # The temporary folder may be RAM (tmpfs): keep only one run's files around.
                while written:
                    default_storage.delete(written.pop())

            def copy(_, source=source, kind=kind):
                with source.open("rb") as fh:
                    written.append(default_storage.save(f"baseline/copy.{kind}", fh))

            def move(upload, kind=kind):
                written.append(default_storage.save(f"baseline/moved.{kind}", upload))

            def inspect(upload, kind=kind, actual=actual):
                inspect_upload(upload, name=f"x.{kind}", size=actual, max_bytes=actual + 1)

            def upload(upload):
                state["material"] = material_upload(user=trainer, module=module, upload=upload)

            def replace(upload):
                material_replace(user=trainer, material=state["material"], upload=upload)

            def download(_):
                response = client.get(f"/modules/materials/{state['material'].pk}/open/")
                assert response.status_code == 200, response.status_code
                received = sum(len(chunk) for chunk in response.streaming_content)
                assert received == state["material"].current_version.size

            base = best(copy, args.repeat, clean)
            rows = [
                ("storage copy (baseline)", base),
                ("storage save of the upload (move)", best(move, args.repeat, prepare)),
                ("inspect_upload", best(inspect, args.repeat, prepare)),
                ("material_upload", best(upload, args.repeat, prepare)),
                ("material_replace", best(replace, args.repeat, prepare)),
                ("download via authorizing view", best(download, args.repeat)),
            ]
            # Measured again at the end: disk write-back after the earlier files slows whichever
            # step comes first, so the baseline takes the better of both runs.
            base = min(base, best(copy, args.repeat, clean))
            clean()
            for version in MaterialVersion.objects.all():
                default_storage.delete(version.file.name)
            source.unlink()
            rows[0] = ("storage copy (baseline)", base)
            print(f"-- {kind.upper()} ({mb:.0f} MB)")
            for label, seconds in rows:
                print(f"{label:<34}{seconds:>9.3f}{mb / seconds:>9.0f}{seconds / base:>12.2f}")


if __name__ == "__main__":
    main()
