using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanAgent.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Prompt = table.Column<string>(type: "TEXT", nullable: false),
                    LlmModel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SttModel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TtsModel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TtsVoice = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    FallbackReply = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PendingStatusUpdates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WhatsAppNumberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WhatsAppMessageId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ErrorTitle = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingStatusUpdates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeDocuments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ChunkCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeDocuments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeDocuments_Agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "Agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WhatsAppNumbers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PhoneNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PhoneNumberId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    BusinessId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    GraphApiVersion = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProtectedAppSecret = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedAccessToken = table.Column<string>(type: "TEXT", nullable: true),
                    AccessTokenLast4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    LastWebhookError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastWebhookErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WhatsAppNumbers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WhatsAppNumbers_Agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "Agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeChunks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    TokenCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeChunks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeChunks_KnowledgeDocuments_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "KnowledgeDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Conversations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WhatsAppNumberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CustomerWaId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CustomerUserId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CustomerName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastMessageAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastInboundAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    InboundCount = table.Column<int>(type: "INTEGER", nullable: false),
                    OutboundCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReplyPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReplyRequestedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastReplyError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ReplyLeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReplyLeaseOwner = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReplyAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ReplyRetryAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Conversations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Conversations_WhatsAppNumbers_WhatsAppNumberId",
                        column: x => x.WhatsAppNumberId,
                        principalTable: "WhatsAppNumbers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WhatsAppNumberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    WhatsAppMessageId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StatusAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MediaId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    MimeType = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Caption = table.Column<string>(type: "TEXT", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    IsVoice = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContextMessageId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    IsForwarded = table.Column<bool>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ErrorTitle = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RawJson = table.Column<string>(type: "TEXT", nullable: true),
                    NeedsReply = table.Column<bool>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Messages_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_LastMessageAt",
                table: "Conversations",
                column: "LastMessageAt");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ReplyPending",
                table: "Conversations",
                column: "ReplyPending");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_WhatsAppNumberId_CustomerKey",
                table: "Conversations",
                columns: new[] { "WhatsAppNumberId", "CustomerKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_WhatsAppNumberId_LastMessageAt",
                table: "Conversations",
                columns: new[] { "WhatsAppNumberId", "LastMessageAt" });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeChunks_AgentId",
                table: "KnowledgeChunks",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeChunks_DocumentId",
                table: "KnowledgeChunks",
                column: "DocumentId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDocuments_AgentId",
                table: "KnowledgeDocuments",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ConversationId_Timestamp",
                table: "Messages",
                columns: new[] { "ConversationId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_WhatsAppNumberId_WhatsAppMessageId",
                table: "Messages",
                columns: new[] { "WhatsAppNumberId", "WhatsAppMessageId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PendingStatusUpdates_WhatsAppNumberId_WhatsAppMessageId",
                table: "PendingStatusUpdates",
                columns: new[] { "WhatsAppNumberId", "WhatsAppMessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_WhatsAppNumbers_AgentId",
                table: "WhatsAppNumbers",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_WhatsAppNumbers_PhoneNumberId",
                table: "WhatsAppNumbers",
                column: "PhoneNumberId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "KnowledgeChunks");

            migrationBuilder.DropTable(
                name: "Messages");

            migrationBuilder.DropTable(
                name: "PendingStatusUpdates");

            migrationBuilder.DropTable(
                name: "KnowledgeDocuments");

            migrationBuilder.DropTable(
                name: "Conversations");

            migrationBuilder.DropTable(
                name: "WhatsAppNumbers");

            migrationBuilder.DropTable(
                name: "Agents");
        }
    }
}
