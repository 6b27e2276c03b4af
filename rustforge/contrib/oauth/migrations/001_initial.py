"""oauth.001_initial: clients, authorization codes, tokens, consents.

``migrate`` applies it and ``rollback`` reverses it; edit both freely.
Operations: migrator.create_model(Model), remove_model, add_fields,
change_fields, remove_fields, rename_field, rename_table, add_index
(where="..." for a partial index), drop_index, add_not_null,
drop_not_null, add_default, sql("..."), run(python_function).
Migrations of other apps that must run first go in ``dependencies``.
"""

import peewee as pw
from peewee_migrate import Migrator

from rustforge.conf import settings

dependencies = [('auth', '001_initial')]


# AUTH_USER_MODEL is swappable: the user links point at whichever table it names
# (auth's first migration depends on that app's, so the table exists by now).
def user_model(migrator):
    if settings.AUTH_USER_MODEL == "auth.User":
        return migrator.orm["auth_user"]
    from rustforge.apps import apps

    table = apps.get_model(settings.AUTH_USER_MODEL)._meta.table_name
    if table in migrator.orm.__tables__:
        return migrator.orm[table]

    class UserRef(pw.Model):  # only the table name and its "id" matter to a foreign key
        class Meta:
            table_name = table

    return UserRef


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Apply the changes."""
    @migrator.create_model
    class Application(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=200)
        client_id = pw.CharField(max_length=64, unique=True)
        client_secret_digest = pw.CharField(default='', max_length=64)
        client_type = pw.CharField(default='confidential', max_length=12)
        redirect_uris = pw.TextField(default='')
        grant_types = pw.TextField(default='authorization_code refresh_token')
        scopes = pw.TextField(default='read')
        skip_consent = pw.BooleanField(default=False)
        introspection = pw.BooleanField(default=False)
        owner = pw.ForeignKeyField(column_name='owner_id', field='id', model=user_model(migrator), null=True, on_delete='CASCADE')
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "oauth_application"

    @migrator.create_model
    class AccessToken(pw.Model):
        id = pw.AutoField()
        token_digest = pw.CharField(max_length=64, unique=True)
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['oauth_application'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=user_model(migrator), null=True, on_delete='CASCADE')
        scopes = pw.TextField(default='')
        family = pw.CharField(index=True, max_length=32)
        expires_at = pw.DateTimeField(index=True)
        revoked_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "oauth_access_token"

    @migrator.create_model
    class Consent(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=user_model(migrator), on_delete='CASCADE')
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['oauth_application'], on_delete='CASCADE')
        scopes = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "oauth_consent"
            indexes = ((('user', 'application'), True),)

    @migrator.create_model
    class Grant(pw.Model):
        id = pw.AutoField()
        code_digest = pw.CharField(max_length=64, unique=True)
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['oauth_application'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=user_model(migrator), on_delete='CASCADE')
        redirect_uri = pw.TextField()
        redirect_uri_given = pw.BooleanField(default=True)
        scopes = pw.TextField(default='')
        code_challenge = pw.CharField(default='', max_length=128)
        code_challenge_method = pw.CharField(default='', max_length=10)
        family = pw.CharField(max_length=32)
        expires_at = pw.DateTimeField(index=True)
        redeemed_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "oauth_grant"

    @migrator.create_model
    class RefreshToken(pw.Model):
        id = pw.AutoField()
        token_digest = pw.CharField(max_length=64, unique=True)
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['oauth_application'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=user_model(migrator), null=True, on_delete='CASCADE')
        access_token = pw.ForeignKeyField(column_name='access_token_id', field='id', model=migrator.orm['oauth_access_token'], null=True, on_delete='SET NULL')
        scopes = pw.TextField(default='')
        family = pw.CharField(index=True, max_length=32)
        expires_at = pw.DateTimeField(index=True)
        used_at = pw.DateTimeField(null=True)
        revoked_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "oauth_refresh_token"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Reverse ``migrate``."""
    migrator.remove_model('oauth_refresh_token')

    migrator.remove_model('oauth_grant')

    migrator.remove_model('oauth_consent')

    migrator.remove_model('oauth_access_token')

    migrator.remove_model('oauth_application')
