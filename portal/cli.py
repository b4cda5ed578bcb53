"""Command-line tools: ``flask seed demo``, ``flask questionnaire load``, ``flask create-user``,
``flask backup``, ``flask restore`` and ``flask pii rotate-key``."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from portal import demo
from portal.domain.crypto import PiiKeyError
from portal.extensions import db
from portal.models import ROLES, Branch
from portal.models.audit import acting_as
from portal.services import accounts, backup, client_import, crypto, imports, risk


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(create_user)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(pii_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(fonts_cli)


seed = AppGroup("seed", help="Load data into the database.")
fonts_cli = AppGroup("fonts", help="The fonts of the printouts.")


@fonts_cli.command("cut", help="Cut the print fonts down to the forms' characters (once).")
def fonts_cut():
    from portal.pdf import font_dir, fonts

    written = fonts.cut(font_dir())
    click.echo(f"字体：裁剪 {len(written)} 个，存于 {font_dir()}。")


@seed.command("demo", help="Create the demo organisation and its data (idempotent).")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
def seed_demo(if_empty: bool):
    if if_empty and not demo.is_empty():
        click.echo("数据库已有数据，跳过演示数据。")
        return
    with acting_as("seed"):
        created = demo.seed_demo()
    if created:
        click.echo(f"演示数据：新建用户 {len(created)} 个。")
    else:
        click.echo("演示数据已存在，未作改动。")


questionnaire_cli = AppGroup("questionnaire", help="Risk-tolerance questionnaire versions.")


@questionnaire_cli.command("load", help="Load a questionnaire definition file as a new version.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_questionnaire(path: Path):
    try:
        version, created = risk.load_version(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"问卷第{version.version}版{'已载入' if created else '已存在，未作改动'}：{version.title}"
    )


@click.command("create-user", help="Create a user account (prompts for the password).")
@with_appcontext
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="姓名")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--branch", "branch_name", default=None, help="营业部名称 (not for hq)")
@click.option("--phone", default="")
@click.password_option()
def create_user(username, display_name, role, branch_name, phone, password):
    branch_id = None
    if role != "hq":
        if not branch_name:
            raise click.UsageError("--branch is required for every role but hq")
        branch_id = db.session.scalar(select(Branch.id).where(Branch.name == branch_name))
        if branch_id is None:
            raise click.UsageError(f"no branch named {branch_name!r}")
    with acting_as("cli"):
        user = accounts.create_user(
            {
                "username": username,
                "display_name": display_name,
                "role": role,
                "branch_id": branch_id,
                "phone": phone,
            },
            password,
        )
    click.echo(f"created user {user.username} ({ROLES[user.role]})")


@click.command("backup", help="Write a complete copy of the database to PATH.")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    try:
        backup.backup(path)
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"备份失败：{error}") from error
    click.echo(f"已备份到 {path}（{path.stat().st_size} 字节）")


@click.command("restore", help="Replace the database's contents by the backup at PATH.")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="恢复将覆盖数据库中的全部数据，确定继续吗？")
def restore_command(path: Path):
    try:
        backup.restore(path)
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"恢复失败：{error}") from error
    click.echo(f"已从 {path} 恢复数据库")


pii_cli = AppGroup("pii", help="Identity data encrypted at rest.")


@pii_cli.command(
    "rotate-key",
    help="Re-encrypt all identity data (records and audit trail) with PII_KEY; the keys it "
    "replaces are given in PII_OLD_KEYS. Run it as the tables' owner, like the migrations.",
)
def rotate_key():
    try:
        counts = crypto.rotate_key()
    except PiiKeyError as error:
        raise click.ClickException(f"密钥轮换失败，数据未改动：{error}") from error
    done = "，".join(f"{table} {count} 行" for table, count in counts.items())
    click.echo(f"已用新密钥重新加密：{done}。旧密钥现在可以从 PII_OLD_KEYS 中删除。")


import_cli = AppGroup("import", help="Import files from the trading system.")


@import_cli.command(
    "figures",
    help="Import monthly figures (资金账号, 月份, 月日均总资产, 月末总资产, 月末股票市值, "
    "成交金额, 净佣金) from a CSV (UTF-8 or GBK) or .xlsx file: all rows or none.",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; change nothing.")
def import_figures(path: Path, dry_run: bool):
    with acting_as("import"):
        outcome = imports.import_figures(path, path.name, None, dry_run=dry_run)
    _report_import(outcome, dry_run)


@import_cli.command(
    "clients",
    help="Import the clients' master data (资金账号, 客户编号, 姓名, 客户类型, 证件类型, 证件号码, "
    "开户日期, 营业部, 客户经理工号, 手机号码; 性别 and 出生日期 where the ID does not give them) "
    "from a CSV (UTF-8 or GBK) or .xlsx file: new clients are opened, changed ones updated; "
    "all rows or none.",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; change nothing.")
def import_clients(path: Path, dry_run: bool):
    with acting_as("import"):
        outcome = client_import.import_clients(path, path.name, None, dry_run=dry_run)
    _report_import(outcome, dry_run)


def _report_import(outcome: imports.Outcome, dry_run: bool) -> None:
    """Print what an import did (or would do); every fault and a non-zero exit if refused."""
    if outcome.refused:
        if outcome.file_error:
            click.echo(f"文件无法导入：{outcome.file_error}", err=True)
        for error in outcome.errors:
            shown = f"“{error.value}”" if error.value else "（空）"
            click.echo(f"第{error.row}行 {error.column} {shown}：{error.message}", err=True)
        if outcome.error_total > len(outcome.errors):
            click.echo(
                f"……共 {outcome.error_total} 处错误，仅列出前 {len(outcome.errors)} 处。", err=True
            )
        raise click.ClickException(f"{outcome.file_name} 有错误，整个文件未导入，数据未作改动。")
    verb = "预览（未导入）" if dry_run else "已导入"
    click.echo(
        f"{verb} {outcome.file_name}：共 {outcome.rows} 行，新增 {outcome.new}，"
        f"变更 {outcome.changed}，未变 {outcome.unchanged}；分类变化 {outcome.class_changes} 户。"
    )
    for label, count in outcome.field_changes:
        click.echo(f"  {label}变更：{count} 户")
    for old, new, count in outcome.class_moves:
        click.echo(f"  {old or '未分类'} → {new or '未分类'}：{count} 户")
