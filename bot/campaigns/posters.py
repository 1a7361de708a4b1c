"""A campaign's way in for children: its Telegram deep link (the campaign id is the /start
payload) and a QR code of it, large enough for a printed poster."""

from __future__ import annotations

from pathlib import Path

from bot.settings import ROOT

QR_DIR = ROOT / "var" / "qr"


def deep_link(bot_username: str, campaign_id: str) -> str:
    """The link that starts the bot on this campaign (the id is the /start payload)."""
    return f"https://t.me/{bot_username}?start={campaign_id}"


def write_qr(link: str, path: Path) -> Path:
    """A PNG QR code of the link, large enough for a printed poster."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=12, border=4)
    code.add_data(link)
    code.make(fit=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    code.make_image().save(str(path))
    return path
