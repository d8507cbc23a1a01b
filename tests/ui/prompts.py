"""Sample prompts, shaped like the agent's Offer1.Prompt (a{sv}), for the
prompter tests and screenshots. Texts are English examples of what
policy + strings produce; the prompter must show them verbatim."""
import time

import dbus

NOTES = ('What is new in 2.1.0:\n'
         '• Better battery life when the screen is off\n'
         '• Wi-Fi calling on more networks\n'
         '• Security fixes up to this month\n'
         '• The camera starts faster in low light\n'
         '• Fixes a crash when pairing some car kits\n\n'
         'Known issues: the first start after the update takes a few minutes '
         'longer while apps are optimised. ' * 2)


def choices(*pairs):
    return dbus.Array([dbus.Struct((a, b), signature='ss') for a, b in pairs],
                      signature='(ss)')


def base(kind, title, body, priority='high', **kw):
    d = {
        'kind': dbus.String(kind),
        'title': dbus.String(title),
        'body': dbus.String(body),
        'warning': dbus.String(''),
        'message': dbus.String(''),
        'details': dbus.String(''),
        'urgency': dbus.String('critical' if priority == 'high' else 'normal'),
        'presentation': dbus.String('popup'),
        'priority': dbus.String(priority),
        'choices': choices(),
        'suggested': dbus.String(''),
        'delay-options': dbus.Array([], signature='(sx)'),
        'delay-max': dbus.Int64(0),
        'deadline': dbus.Int64(0),
        'deadline-choice': dbus.String(''),
        'progress': dbus.Int32(-1),
        'result': dbus.UInt32(0),
        'dismissible': dbus.Boolean(True),
        'sound': dbus.Boolean(True),
    }
    for k, v in kw.items():
        d[k.replace('_', '-')] = v
    return dbus.Dictionary(d, signature='sv')


def offer_props(name='Phone firmware', version='2.1.0', size=48 * 1024 * 1024,
                priority='high', id=None):
    d = {'name': name, 'version': version, 'size': dbus.UInt64(size),
         'priority': priority}
    if id:
        d['id'] = id
    return dbus.Dictionary(d, signature='sv')


def delay_options(now=None):
    now = int(now or time.time())

    def hhmm(t):
        return time.strftime('%H:%M', time.localtime(t))
    # the relative rows name their clock time, as the agent words them
    return dbus.Array([
        dbus.Struct(('In 1 hour \u00b7 ' + hhmm(now + 3600), dbus.Int64(now + 3600)),
                    signature='sx'),
        dbus.Struct(('In 4 hours \u00b7 ' + hhmm(now + 4 * 3600), dbus.Int64(now + 4 * 3600)),
                    signature='sx'),
        dbus.Struct(('Tomorrow morning at 07:00', dbus.Int64(now + 20 * 3600)), signature='sx'),
    ], signature='(sx)')


def all_screens():
    now = int(time.time())
    return [
        base('download', 'Firmware update available',
             'Phone firmware 2.1.0 is ready to download. You can keep using '
             'your phone while it downloads.',
             warning=dbus.String('You are roaming. Downloading 48 MB abroad may '
                                 'cost extra, depending on your plan.'),
             details=dbus.String(NOTES),
             choices=choices(('accept', 'Download'), ('cancel', 'Not now')),
             suggested=dbus.String('accept')),
        base('progress', 'Downloading update',
             'Phone firmware 2.1.0 is downloading: 20 MB of 48 MB.',
             progress=dbus.Int32(42),
             choices=choices(('cancel', 'Cancel download'))),
        base('install', 'Install the update now?',
             'Your phone restarts to install the update. This takes about 10 '
             'minutes; you cannot use the phone meanwhile, not even for '
             'emergency calls.',
             message=dbus.String('Contoso Mobile: this update improves call '
                                 'quality on our new 5G network.'),
             choices=choices(('accept', 'Install now'), ('delay-reboot', 'Delay reboot'),
                             ('cancel', 'Cancel')),
             suggested=dbus.String('accept'),
             delay_options=delay_options(now),
             delay_max=dbus.Int64(now + 3 * 86400)),
        base('delayed', 'Restart scheduled',
             'Your phone restarts at 22:00 to install Phone firmware 2.1.0.',
             choices=choices(('accept', 'Install now'), ('delay-reboot', 'Change time'),
                             ('cancel', 'Cancel update')),
             suggested=dbus.String('delay-reboot'),
             delay_options=delay_options(now),
             delay_max=dbus.Int64(now + 86400)),
        base('reminder', 'Restart in 15 minutes',
             'Your phone restarts at 22:00 to install the update. Save your '
             'work and plug in the charger.',
             choices=choices(('accept', 'Restart now'), ('delay-reboot', 'Delay again')),
             suggested=dbus.String('accept'),
             delay_options=delay_options(now),
             delay_max=dbus.Int64(now + 86400)),
        base('final-warning', 'Restarting in 1 minute',
             'Your phone restarts in 1 minute to install the update.',
             choices=choices(('accept', 'Restart now')),
             suggested=dbus.String('accept'),
             deadline=dbus.Int64(now + 60), deadline_choice=dbus.String('accept'),
             dismissible=dbus.Boolean(False)),
        base('forced', 'Required update',
             'The device restarts at 22:00 to install Phone firmware 2.1.0. Save your work '
             'before then.',
             choices=choices(('accept', 'Restart now')),
             deadline=dbus.Int64(now + 300), deadline_choice=dbus.String('accept'),
             dismissible=dbus.Boolean(False)),
        base('pending', 'Waiting to install',
             'The update is ready and installs as soon as the updater is ready.'),
        base('installing', 'Installing update',
             'Do not power off your phone. It restarts several times.',
             progress=dbus.Int32(-1), dismissible=dbus.Boolean(False)),
        base('result', 'Update installed',
             'Your phone now runs Phone firmware 2.1.0. Everything went well.',
             result=dbus.UInt32(200)),
    ]
