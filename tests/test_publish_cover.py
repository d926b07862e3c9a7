import io

import numpy as np
from PIL import Image

from audioguide.publish import cover


def test_square_1400_jpeg_under_300_kb():
    data = cover.render("thoracic-mobility", "Thoracic mobility", "10 minutes")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1400, 1400) and len(data) < 300_000


def _pixels(routine_id):
    return np.asarray(Image.open(io.BytesIO(cover.render(routine_id, "Same title", "10 minutes"))), dtype=float)


def test_same_routine_same_look_other_routines_other_looks():
    assert np.array_equal(_pixels("thoracic-mobility"), _pixels("thoracic-mobility"))
    ids = ["thoracic-mobility", "neck-release", "short", "hip-openers", "morning-back"]
    looks = [_pixels(i) for i in ids]
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            assert np.abs(looks[i] - looks[j]).mean() > 8, (ids[i], ids[j])


def test_the_length_changes_the_picture():
    ten = cover.render("thoracic-mobility", "Thoracic mobility", "10 minutes")
    twenty = cover.render("thoracic-mobility", "Thoracic mobility", "20 minutes")
    assert ten != twenty
