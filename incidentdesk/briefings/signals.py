"""An accepted lesson aimed at training becomes a briefing task (procedure step 6 → §9), without the lessons app
knowing about briefings: the task is written on the lesson's save, inside the transaction that accepts it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from incidentdesk.lessons.models import Lesson, LessonStatus, Target

from . import services


@receiver(post_save, sender=Lesson, dispatch_uid="briefings.task_from_training_lesson")
def _training_lesson_accepted(sender, instance: Lesson, **kwargs) -> None:
    if instance.target == Target.TRAINING and instance.status == LessonStatus.ACCEPTED:
        services.task_from_lesson(instance)
