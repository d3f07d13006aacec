//! Test 1: every payload the fake produces deserializes into serenity 0.12.5's own model types.

use serde_json::{Value, json};
use serenity::all::{
    ButtonStyle, ChannelId, Colour, CommandDataOptionValue, CreateActionRow, CreateAttachment,
    CreateButton, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, EditInteractionResponse, EditMessage, GuildId, RoleId, UserId,
};
use serenity::model::application::{ComponentInteractionDataKind, Interaction};
use serenity::model::event::{Event, GatewayEvent};
use serenity::model::gateway::Ready;
use serenity::model::guild::Guild;

use crate::fake_discord::*;
use crate::support::e2e::init_tracing;

/// A dispatch frame of type `t` as serenity reads it; fails on what serenity drops as Unknown.
fn as_event(t: &str, d: &Value) -> Event {
    let frame = json!({"op": 0, "s": 1, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame).expect("gateway frame") {
        GatewayEvent::Dispatch(_, Event::Unknown(u)) => {
            panic!("serenity drops {t} as Unknown; value: {:#}", u.value)
        }
        GatewayEvent::Dispatch(_, ev) => ev,
        other => panic!("not a dispatch: {other:?}"),
    }
}

/// An interaction payload as serenity reads it, directly and through the gateway.
fn interaction(d: &Value) -> Interaction {
    // Precise error first, then the gateway path (Unknown detection).
    let i: Interaction = serde_json::from_value(d.clone())
        .unwrap_or_else(|e| panic!("Interaction does not deserialize: {e}\n{d:#}"));
    assert!(matches!(
        as_event("INTERACTION_CREATE", d),
        Event::InteractionCreate(_)
    ));
    i
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_payloads_deserialize_into_serenity_models() {
    init_tracing();
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let fx = fake.fixture().clone();

    let ready: Ready = serde_json::from_value(fake.ready_payload()).expect("Ready");
    assert_eq!(ready.version, 10);
    assert_eq!(ready.application.id.get(), fx.application_id);
    assert!(matches!(
        as_event("READY", &fake.ready_payload()),
        Event::Ready(_)
    ));

    let guild: Guild = serde_json::from_value(fake.guild_create_payload())
        .unwrap_or_else(|e| panic!("Guild: {e}"));
    assert_eq!(guild.roles.len(), 9, "8 positions + @everyone");
    assert_eq!(guild.members.len(), 5, "4 humans + the bot");
    assert_eq!(guild.channels.len(), 4);
    for p in POSITIONS {
        assert!(guild.roles.values().any(|r| r.name == p), "role {p}");
    }
    let everyone = &guild.roles[&RoleId::new(fx.guild_id)];
    assert_eq!(everyone.name, "@everyone");
    assert_eq!(everyone.colours.primary_colour, Colour(0));
    let alice = &guild.members[&UserId::new(fx.user_id("alice"))];
    assert_eq!(alice.roles, vec![RoleId::new(fx.role_id("manager"))]);
    let Event::GuildCreate(gc) = as_event("GUILD_CREATE", &fake.guild_create_payload()) else {
        panic!("not GuildCreate")
    };
    assert_eq!(gc.guild.id, GuildId::new(1001));
    assert!(gc.guild.members.values().all(|m| m.guild_id.get() == 1001));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interaction_payloads_deserialize_into_serenity_models() {
    init_tracing();
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let fx = fake.fixture().clone();
    let alice = fx.user_id("alice");
    let dave = fx.user_id("dave");

    // APPLICATION_COMMAND with a subcommand and every option type.
    let d = fake.user(alice).locale("zh-CN").build_slash(
        "task",
        &["assign"],
        vec![
            opt("title", json!("restock")),
            opt("count", json!(3)),
            opt("urgent", json!(true)),
            opt("price", json!(9.5)),
            opt_user("assignee", dave),
            opt_channel("where", fx.channel_id("ops")),
            opt_role("team", fx.role_id("warehouse")),
            opt_mentionable("cc", fx.user_id("bob")),
            opt_attachment("sheet", "stock.csv", b"sku,qty\nA,1\n".to_vec()),
        ],
    );
    let Interaction::Command(cmd) = interaction(&d) else {
        panic!("not a command")
    };
    assert_eq!(cmd.locale, "zh-CN");
    assert_eq!(cmd.user.id.get(), alice, "user filled from member");
    assert_eq!(cmd.attachment_size_limit, 26_214_400);
    let CommandDataOptionValue::SubCommand(opts) = &cmd.data.options[0].value else {
        panic!("subcommand expected")
    };
    assert_eq!(cmd.data.options[0].name, "assign");
    let kinds: Vec<u8> = opts.iter().map(|o| u8::from(o.kind())).collect();
    assert_eq!(kinds, vec![3, 4, 5, 10, 6, 7, 8, 9, 11]);
    let r = &cmd.data.resolved;
    assert_eq!(r.users[&UserId::new(dave)].name, "dave");
    assert_eq!(
        r.members[&UserId::new(dave)].roles,
        vec![RoleId::new(fx.role_id("warehouse"))]
    );
    assert_eq!(
        r.channels[&ChannelId::new(fx.channel_id("ops"))]
            .name
            .as_deref(),
        Some("ops")
    );
    assert_eq!(
        r.roles[&RoleId::new(fx.role_id("warehouse"))].name,
        "warehouse"
    );
    let att = r.attachments.values().next().expect("attachment");
    assert!(att.url.starts_with(&fake.api_base()), "{}", att.url);
    assert_eq!(
        att.download().await.expect("download over loopback"),
        b"sku,qty\nA,1\n"
    );

    // Subcommand group.
    let d = fake.user(alice).build_slash(
        "config",
        &["roles", "set"],
        vec![opt_role("r", fx.role_id("design"))],
    );
    let Interaction::Command(cmd) = interaction(&d) else {
        panic!()
    };
    let CommandDataOptionValue::SubCommandGroup(g) = &cmd.data.options[0].value else {
        panic!()
    };
    assert!(matches!(&g[0].value, CommandDataOptionValue::SubCommand(_)));

    // Autocomplete.
    let d = fake.user(alice).build_autocomplete(
        "task",
        &["assign"],
        vec![],
        opt("title", json!("res")),
    );
    let Interaction::Autocomplete(ac) = interaction(&d) else {
        panic!("not autocomplete")
    };
    let focused = ac.data.autocomplete().expect("focused option");
    assert_eq!((focused.name, focused.value), ("title", "res"));
    // Integer focused values are sent as strings, as Discord does.
    let d = fake
        .user(alice)
        .build_autocomplete("task", &[], vec![], opt("n", json!(4)));
    assert!(matches!(interaction(&d), Interaction::Autocomplete(_)));

    // DM slash (user instead of member).
    let d = fake.user(dave).in_dm().build_slash("help", &[], vec![]);
    let Interaction::Command(cmd) = interaction(&d) else {
        panic!()
    };
    assert!(cmd.guild_id.is_none() && cmd.member.is_none());
    assert_eq!(cmd.user.id.get(), dave);

    // Component on a message the bot sent (with buttons, select menu, embed, file).
    let http = fake.http("Bot test-token");
    let ops = ChannelId::new(fx.channel_id("ops"));
    let msg = ops
        .send_message(
            &http,
            CreateMessage::new()
                .content("pick one <@4004>")
                .embed(
                    CreateEmbed::new()
                        .title("t")
                        .field("a", "b", true)
                        .colour(0x00ff00),
                )
                .components(vec![
                    CreateActionRow::Buttons(vec![
                        CreateButton::new("approve")
                            .label("OK")
                            .style(ButtonStyle::Success),
                        CreateButton::new_link("https://example.invalid").label("link"),
                    ]),
                    CreateActionRow::SelectMenu(CreateSelectMenu::new(
                        "choose",
                        CreateSelectMenuKind::String {
                            options: vec![CreateSelectMenuOption::new("A", "a")],
                        },
                    )),
                ])
                .add_file(CreateAttachment::bytes(b"hello".to_vec(), "hello.txt")),
        )
        .await
        .expect("send_message deserializes as Message");
    assert_eq!(msg.components.len(), 2);
    assert_eq!(msg.attachments[0].filename, "hello.txt");
    assert_eq!(msg.mentions[0].id.get(), 4004);
    let d = fake
        .user(alice)
        .build_click(ops.get(), msg.id.get(), "approve");
    let Interaction::Component(c) = interaction(&d) else {
        panic!()
    };
    assert_eq!(c.data.custom_id, "approve");
    assert!(matches!(c.data.kind, ComponentInteractionDataKind::Button));
    assert_eq!(c.message.id, msg.id);
    let d = fake
        .user(alice)
        .build_select(ops.get(), msg.id.get(), "choose", vec!["a".into()]);
    let Interaction::Component(c) = interaction(&d) else {
        panic!()
    };
    assert!(matches!(
        c.data.kind,
        ComponentInteractionDataKind::StringSelect { .. }
    ));
    // A click on a message the fake never saw still produces a valid payload.
    let d = fake.user(alice).build_click(ops.get(), 77, "x");
    assert!(matches!(interaction(&d), Interaction::Component(_)));

    // Modal submit.
    let d = fake
        .user(fx.user_id("bob"))
        .build_modal("complaint", vec![("order", "A-1"), ("text", "late")]);
    let Interaction::Modal(m) = interaction(&d) else {
        panic!()
    };
    assert_eq!(m.data.components.len(), 2);
}

/// REST responses, through serenity's own typed Http calls (each deserializes the response).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_payloads_deserialize_into_serenity_models() {
    init_tracing();
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let fx = fake.fixture().clone();
    let http = fake.http("Bot test-token");
    let gid = GuildId::new(fx.guild_id);

    assert_eq!(http.get_gateway().await.unwrap().url, fake.gateway_url());
    assert_eq!(http.get_bot_gateway().await.unwrap().shards, 1);
    let app = http.get_current_application_info().await.unwrap();
    assert_eq!(app.id.get(), fx.application_id);
    let me = http.get_current_user().await.unwrap();
    assert!(me.bot);
    assert_eq!(me.id.get(), fx.bot.id);
    let m = http
        .get_member(gid, UserId::new(fx.user_id("carol")))
        .await
        .unwrap();
    assert_eq!(m.roles, vec![RoleId::new(fx.role_id("operations"))]);
    assert_eq!(http.get_guild_roles(gid).await.unwrap().len(), 9);
    let pg = http.get_guild(gid).await.unwrap();
    assert_eq!(pg.name, fx.guild_name);
    assert_eq!(http.get_channels(gid).await.unwrap().len(), 4);
    assert_eq!(
        http.get_guild_members(gid, None, None).await.unwrap().len(),
        5
    );
    let ch = http
        .get_channel(ChannelId::new(fx.channel_id("summary")))
        .await
        .unwrap();
    assert_eq!(ch.guild().expect("guild channel").name, "summary");
    let dm = UserId::new(fx.user_id("bob"))
        .create_dm_channel(&http)
        .await
        .unwrap();
    assert_eq!(dm.recipient.name, "bob");
    assert!(http.get_channel(dm.id).await.unwrap().private().is_some());
    let sent = dm
        .id
        .send_message(&http, CreateMessage::new().content("psst"))
        .await
        .unwrap();
    assert_eq!(fake.channel_messages(dm.id.get())[0]["content"], "psst");
    let edited = ChannelId::new(dm.id.get())
        .edit_message(&http, sent.id, EditMessage::new().content("psst!"))
        .await
        .unwrap();
    assert!(edited.edited_timestamp.is_some());
    assert_eq!(
        http.get_message(dm.id, sent.id).await.unwrap().content,
        "psst!"
    );
    assert_eq!(fake.message_edits(sent.id.get()).len(), 1);

    // Commands: guild + global registration answer serenity `Command`s with ids.
    let cmds = gid
        .set_commands(
            &http,
            vec![
                serenity::all::CreateCommand::new("task")
                    .description("tasks")
                    .add_option(serenity::all::CreateCommandOption::new(
                        serenity::all::CommandOptionType::SubCommand,
                        "assign",
                        "assign",
                    )),
            ],
        )
        .await
        .unwrap();
    assert_eq!(cmds[0].name, "task");
    assert_eq!(cmds[0].guild_id, Some(gid));
    let global = serenity::all::Command::set_global_commands(
        &http,
        vec![serenity::all::CreateCommand::new("ping").description("p")],
    )
    .await
    .unwrap();
    assert_eq!(global[0].name, "ping");
    assert_eq!(fake.registered_commands()[0]["name"], "ping");
    assert_eq!(
        fake.registered_guild_commands(fx.guild_id)[0]["name"],
        "task"
    );

    // Interaction callback + @original + followups, with serenity's typed calls.
    let d = fake
        .user(fx.user_id("alice"))
        .build_slash("task", &["assign"], vec![]);
    let Interaction::Command(cmd) = serde_json::from_value::<Interaction>(d).unwrap() else {
        panic!()
    };
    cmd.create_response(
        &http,
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new()),
    )
    .await
    .unwrap();
    let orig = cmd.get_response(&http).await.unwrap();
    assert_eq!(orig.content, "");
    let orig = cmd
        .edit_response(&http, EditInteractionResponse::new().content("done"))
        .await
        .unwrap();
    assert_eq!(orig.content, "done");
    let f = cmd
        .create_followup(
            &http,
            CreateInteractionResponseFollowup::new()
                .content("more")
                .ephemeral(true),
        )
        .await
        .unwrap();
    let f2 = cmd
        .edit_followup(
            &http,
            f.id,
            CreateInteractionResponseFollowup::new().content("more!"),
        )
        .await
        .unwrap();
    assert_eq!(f2.content, "more!");
    cmd.delete_followup(&http, f.id).await.unwrap();
    cmd.delete_response(&http).await.unwrap();
    // Double acknowledgement is refused like Discord does (40060).
    let again = cmd
        .create_response(&http, CreateInteractionResponse::Acknowledge)
        .await
        .expect_err("second callback");
    assert!(
        again.to_string().contains("already been acknowledged"),
        "{again}"
    );

    // Sweep: every recorded JSON response body deserializes into the serenity type for its route.
    for r in fake.request_log() {
        let Some(body) = r.response.clone() else {
            continue;
        };
        if r.status >= 400 {
            serde_json::from_value::<serenity::http::DiscordJsonError>(body).expect("error body");
            continue;
        }
        let segs: Vec<&str> = r.path.trim_matches('/').split('/').collect();
        let check = |res: Result<(), serde_json::Error>| {
            res.unwrap_or_else(|e| panic!("{} {}: {e}", r.method, r.path))
        };
        match segs.as_slice() {
            ["channels", _, "messages", ..] | ["webhooks", ..] => {
                check(serde_json::from_value::<serenity::all::Message>(body).map(drop))
            }
            ["users", "@me", "channels"] => {
                check(serde_json::from_value::<serenity::all::PrivateChannel>(body).map(drop))
            }
            ["channels", _] => {
                check(serde_json::from_value::<serenity::all::Channel>(body).map(drop))
            }
            ["applications", ..] => {
                check(serde_json::from_value::<Vec<serenity::all::Command>>(body).map(drop))
            }
            _ => {}
        }
    }
    fake.assert_no_unknown_requests();
    // The one refusal of this test is the double acknowledgement above.
    fake.expect_refusal(40060);
    fake.assert_no_unexpected_refusals();
}
