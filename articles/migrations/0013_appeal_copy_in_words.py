"""Appeal copy in words: durations typed and shown as "6 hours", a variant body in the rich
editor, one appeal per placement (priority), and a heading that speaks for SITE_NAME when left
empty. Help texts and the heading's default only: no data changes.
"""

import datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_source_listing_postgresql_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='appeal',
            name='dismiss_duration',
            field=models.DurationField(default=datetime.timedelta(days=7), help_text='How long closing the appeal (×) hides it, e.g. “1 week”.'),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='heading',
            field=models.CharField(blank=True, help_text="Left empty, it is “A Message from” and the site's name.", max_length=200),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='priority',
            field=models.SmallIntegerField(default=0, help_text='A page shows one appeal per placement (one at the end of a story, one inline, one banner). Where several live appeals fit the same placement, the highest priority shows; on a tie, the one that started last.'),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='snooze_duration',
            field=models.DurationField(default=datetime.timedelta(days=1), help_text='How long “Remind me later” hides this appeal, in words: “6 hours”, “1 day”.'),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='support_duration',
            field=models.DurationField(default=datetime.timedelta(days=90), help_text='How long “I already support you” hides every appeal, e.g. “12 weeks”.', verbose_name='“already support” duration'),
        ),
        migrations.AlterField(
            model_name='appealvariant',
            name='body',
            field=models.TextField(blank=True, help_text="Empty: the appeal's body."),
        ),
    ]
