"""splinter_build: the PEP 517 / PEP 660 build backend of bindings/python.

Builds a pure-Python wheel (py3-none-any) of the package `splinter`, its
sdist, and an editable wheel, from pyproject.toml's [project] table, with the
standard library only -- so that `pip install ./bindings/python` needs no
package index (pip installs a backend's requirements from the index before
it builds, even when they are installed on the machine). See pyproject.toml.
"""
import base64
import csv
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bindings/python
PACKAGE = "splinter"
TAG = "py3-none-any"
# Never packaged: caches, and the file cmake --install writes into an installed copy.
SKIP = re.compile(r"(^|/)(__pycache__|.*\.pyc|_installed\.py)$")


def _project():
    """The [project] table of pyproject.toml."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        text = f.read().decode("utf-8")
    try:
        import tomllib  # Python 3.11+
        return tomllib.loads(text)["project"]
    except ImportError:  # the few plain "key = value" lines this backend reads
        project, section = {}, None
        for line in text.splitlines():
            m = re.match(r"^\[(.+)\]\s*$", line)
            if m:
                section = m.group(1)
            elif section == "project":
                m = re.match(r'^([\w-]+)\s*=\s*"(.*)"\s*$', line)
                if m:
                    project[m.group(1)] = m.group(2)
        return project


def _dist(project):
    return re.sub(r"[-_.]+", "_", project["name"]).lower(), project["version"]


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + project["version"],
             "Summary: " + project.get("description", "")]
    if "requires-python" in project:
        lines.append("Requires-Python: " + project["requires-python"])
    for c in project.get("classifiers", []):
        lines.append("Classifier: " + c)
    body = ""
    readme = project.get("readme")
    if readme:
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(HERE, readme), encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _package_files():
    """(path in the archive, path on disk) for every file of the package."""
    out = []
    for root, dirs, files in os.walk(os.path.join(HERE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, HERE).replace(os.sep, "/")
            if not SKIP.search(rel):
                out.append((rel, path))
    return out


def _wheel(directory, project, files):
    """Writes a wheel of files ((archive name, bytes)); returns its basename."""
    dist, version = _dist(project)
    info = "%s-%s.dist-info" % (dist, version)
    files = list(files) + [
        (info + "/METADATA", _metadata(project).encode("utf-8")),
        (info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: splinter_build\nRoot-Is-Purelib: true\nTag: %s\n"
                           % TAG).encode()),
    ]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, "sha256=" + digest, len(data)])
    writer.writerow([info + "/RECORD", "", ""])
    files.append((info + "/RECORD", record.getvalue().encode()))
    basename = "%s-%s-%s.whl" % (dist, version, TAG)
    with zipfile.ZipFile(os.path.join(directory, basename), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # reproducible
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    return basename


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ---- PEP 517 ------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, _project(), [(rel, _read(path)) for rel, path in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts this directory on sys.path."""
    project = _project()
    pth = (_dist(project)[0] + ".pth", (HERE + "\n").encode())
    return _wheel(wheel_directory, project, [pth])


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    dist, version = _dist(project)
    root = "%s-%s" % (dist, version)
    basename = root + ".tar.gz"
    members = [("pyproject.toml", os.path.join(HERE, "pyproject.toml")),
               ("_build/splinter_build.py", os.path.abspath(__file__))]
    if project.get("readme"):
        members.append((project["readme"], os.path.join(HERE, project["readme"])))
    members += _package_files()
    with tarfile.open(os.path.join(sdist_directory, basename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(name, data):
            entry = tarfile.TarInfo(root + "/" + name)
            entry.size, entry.mode, entry.mtime = len(data), 0o644, int(time.time())
            tar.addfile(entry, io.BytesIO(data))
        add("PKG-INFO", _metadata(project).encode("utf-8"))
        for name, path in members:
            add(name, _read(path))
    return basename
