#!/usr/bin/env python3
"""Imports Vietnam's national registry of administrative units into ReportNet.

Downloads the `vietnam-provinces` wheel from PyPI (version pinned below; the General Statistics
Office's list since 1 July 2025, held by the package as JSON), reads its nested JSON and writes
Sources/Registry/vietnam.json: per province, its official code, Vietnamese name, kind and
communes (official code, name, kind: xã / phường / đặc khu), sorted by official code, one
commune a line. Only the result is committed, never the package.

Usage: python3 scripts/import-registry.py
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "vietnam-provinces"
VERSION = "2025.10.1"
EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "Registry", "vietnam.json")
PROVINCE_KINDS = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"}
COMMUNE_KINDS = {"xã", "phường", "đặc khu"}


def read_package():
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps", "--quiet", "-d", folder],
            check=True,
        )
        wheels = [name for name in os.listdir(folder) if name.endswith(".whl")]
        if len(wheels) != 1:
            sys.exit(f"expected one wheel, found {wheels}")
        with zipfile.ZipFile(os.path.join(folder, wheels[0])) as wheel:
            return json.loads(wheel.read("vietnam_provinces/data/nested-divisions.json"))


def province_name(province):
    # The package writes "Thành phố Hà Nội" but "Bắc Ninh": the official name is "Tỉnh Bắc Ninh".
    prefix = PROVINCE_KINDS[province["division_type"]]
    name = province["name"]
    return name if name.startswith(prefix + " ") else f"{prefix} {name}"


def main():
    provinces = []
    for province in sorted(read_package(), key=lambda p: p["code"]):
        communes = []
        for ward in sorted(province["wards"], key=lambda w: w["code"]):
            if ward["division_type"] not in COMMUNE_KINDS:
                sys.exit(f"unknown kind {ward['division_type']!r} for {ward['name']}")
            communes.append({"code": f"{ward['code']:05d}", "name": ward["name"], "kind": ward["division_type"]})
        provinces.append(
            {
                "code": f"{province['code']:02d}",
                "name": province_name(province),
                "kind": province["division_type"],
                "communes": communes,
            }
        )
    commune_count = sum(len(p["communes"]) for p in provinces)
    print(f"{len(provinces)} provinces, {commune_count} communes ({PACKAGE} {VERSION})")
    if (len(provinces), commune_count) != (EXPECTED_PROVINCES, EXPECTED_COMMUNES):
        print(
            f"warning: expected {EXPECTED_PROVINCES} provinces and {EXPECTED_COMMUNES} communes; "
            "keeping the package's data",
            file=sys.stderr,
        )

    def line(value):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    parts = ["{", f'  "source": {line(f"{PACKAGE} {VERSION} (General Statistics Office list)")},', '  "provinces": [']
    for index, province in enumerate(provinces):
        head = {key: province[key] for key in ("code", "name", "kind")}
        parts.append("    " + line(head)[:-1] + ', "communes": [')
        parts.extend(
            "      " + line(commune) + ("," if position < len(province["communes"]) - 1 else "")
            for position, commune in enumerate(province["communes"])
        )
        parts.append("    ]}" + ("," if index < len(provinces) - 1 else ""))
    parts.extend(["  ]", "}", ""])
    with open(OUTPUT, "w", encoding="utf-8") as file:
        file.write("\n".join(parts))
    print(f"wrote {os.path.normpath(OUTPUT)}")


if __name__ == "__main__":
    main()
