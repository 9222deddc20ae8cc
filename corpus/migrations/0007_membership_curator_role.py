from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('corpus', '0006_order_by_project_id'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='membership',
            name='membership_role_valid',
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('owner', 'Owner'), ('curator', 'Curator'), ('annotator', 'Annotator'), ('viewer', 'Viewer')], default='annotator', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['owner', 'curator', 'annotator', 'viewer'])), name='membership_role_valid'),
        ),
    ]
